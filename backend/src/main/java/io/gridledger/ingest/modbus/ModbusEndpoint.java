package io.gridledger.ingest.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * One Modbus TCP endpoint (host:port, a meter or a gateway with several unit ids behind it): one j2mod master, used
 * only from its own single worker thread, so requests to one device are serialised and no blocking j2mod call ever
 * runs on an event loop. A broken or timed-out connection is dropped and reopened on the next call.
 */
final class ModbusEndpoint {

  @FunctionalInterface
  interface MasterCall<T> {
    T call(ModbusTCPMaster master) throws Exception;
  }

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final int timeoutMs;
  private final WorkerExecutor worker;
  private ModbusTCPMaster master;   // touched only on the worker

  ModbusEndpoint(Vertx vertx, String host, int port, int timeoutMs) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
    // One thread: j2mod masters are not for concurrent use, and one device is asked one thing at a time.
    this.worker = vertx.createSharedWorkerExecutor("gridledger-modbus-" + host + ":" + port + "-"
      + UUID.randomUUID(), 1, 4L * timeoutMs + 10_000, TimeUnit.MILLISECONDS);
  }

  <T> Future<T> blocking(MasterCall<T> call) {
    Callable<T> task = () -> {
      if (Context.isOnEventLoopThread()) {
        throw new IllegalStateException("j2mod must not run on an event-loop thread");
      }
      try {
        if (master == null || !master.isConnected()) {
          disconnect();
          ModbusTCPMaster m = new ModbusTCPMaster(host, port, timeoutMs, false);
          m.connect();
          m.setRetries(0);   // retries are the poller's, with backoff; j2mod's default would multiply the timeout
          master = m;
        }
        return call.call(master);
      } catch (ModbusIOException | java.io.IOException e) {
        disconnect();   // a broken or timed-out connection: open a fresh one next time
        throw e;
      }
    };
    return worker.executeBlocking(task, true);
  }

  private void disconnect() {
    if (master != null) {
      try {
        master.disconnect();
      } catch (RuntimeException ignored) {
        // closing a broken socket
      }
      master = null;
    }
  }

  Future<Void> close() {
    try {
      return worker.executeBlocking(() -> {
        disconnect();
        return null;
      }, true).<Void>mapEmpty().eventually(worker::close);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Vert.x is shutting down and closed the deployment's executor first: close the socket on any worker.
      try {
        return vertx.executeBlocking(() -> {
          disconnect();
          return null;
        }, false).mapEmpty();
      } catch (java.util.concurrent.RejectedExecutionException again) {
        return Future.succeededFuture();
      }
    }
  }
}
