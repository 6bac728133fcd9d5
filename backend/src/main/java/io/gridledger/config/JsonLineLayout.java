package io.gridledger.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One JSON object per log line: time (UTC), level, logger, thread, message and, for "key=value" pairs in the message,
 * those pairs as fields, so "meter=... tenant=..." can be searched without parsing free text.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    JsonObject line = new JsonObject()
      .put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString())
      .put("level", event.getLevel().toString())
      .put("logger", event.getLoggerName())
      .put("thread", event.getThreadName())
      .put("msg", event.getFormattedMessage());
    for (String token : event.getFormattedMessage().split(" ")) {
      int eq = token.indexOf('=');
      if (eq > 0 && eq < token.length() - 1 && !line.containsKey(token.substring(0, eq))) {
        line.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    return line.encode() + System.lineSeparator();
  }
}
