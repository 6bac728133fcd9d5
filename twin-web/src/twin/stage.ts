// The renderer, camera and controls, and the frame loop. Frames are drawn on demand: when the camera moves, an
// animation runs, or something asked for one; an idle twin draws nothing and allocates nothing per frame.
import * as THREE from 'three';
import CameraControls from 'camera-controls';
import { fitDistance, flyToPose, type Vec3 } from './geometry';

CameraControls.install({ THREE });

export type Animation = (nowMs: number) => boolean; // returns true while it wants more frames

export class Stage {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: CameraControls;
  /** Frames drawn so far (tests and the status line read it). */
  frames = 0;
  private dirty = true;
  private last = performance.now();
  private readonly animations = new Set<Animation>();
  private readonly target = new THREE.Vector3();

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setClearColor(0xe9edf2);
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.5, 5000);
    this.camera.position.set(200, 160, 180);
    this.controls = new CameraControls(this.camera, canvas);
    this.controls.dollyToCursor = true;
    this.controls.maxDistance = 1500;
    this.controls.minDistance = 3;
    this.controls.smoothTime = 0.35;
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x8090a0, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.4);
    sun.position.set(120, 200, 80);
    this.scene.add(sun);
    const ground = new THREE.Mesh(new THREE.PlaneGeometry(4000, 4000), new THREE.MeshLambertMaterial({ color: 0xd5dbe2 }));
    ground.rotation.x = -Math.PI / 2;
    ground.position.y = -4.05;
    this.scene.add(ground);
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement ?? canvas);
    this.resize();
    this.controls.addEventListener('control', () => this.requestRender());
    requestAnimationFrame(this.loop);
  }

  requestRender(): void {
    this.dirty = true;
  }

  animate(animation: Animation): void {
    this.animations.add(animation);
    this.dirty = true;
  }

  private resize(): void {
    const parent = this.canvas.parentElement ?? this.canvas;
    const w = Math.max(1, parent.clientWidth);
    const h = Math.max(1, parent.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  private readonly loop = (now: number) => {
    const delta = Math.min(0.1, (now - this.last) / 1000);
    this.last = now;
    const moved = this.controls.update(delta);
    let animating = false;
    for (const a of this.animations) {
      if (a(now)) animating = true;
      else this.animations.delete(a);
    }
    if (moved || animating || this.dirty) {
      this.dirty = false;
      this.renderer.render(this.scene, this.camera);
      this.frames++;
    }
    requestAnimationFrame(this.loop);
  };

  /** Flies the camera to look at a sphere (centre, radius) from its current bearing. */
  flyTo(center: Vec3, radius: number, smooth = true): Promise<void> {
    const from = this.camera.position;
    const distance = fitDistance(radius, this.camera.fov, this.camera.aspect) * 1.1;
    const pose = flyToPose(center, distance, [from.x, from.y, from.z]);
    const [px, py, pz] = pose.position;
    return this.controls.setLookAt(px, py, pz, center[0], center[1], center[2], smooth);
  }

  /** Where the camera looks (or will look, once a fly-to ends). */
  cameraTarget(): Vec3 {
    this.controls.getTarget(this.target, false);
    return [this.target.x, this.target.y, this.target.z];
  }
}
