// Text in the scene: canvas-textured sprites. Each label owns one small canvas, redrawn only when its text changes.
import * as THREE from 'three';

export class Label {
  readonly sprite: THREE.Sprite;
  private readonly canvas = document.createElement('canvas');
  private readonly texture: THREE.CanvasTexture;
  private text = '';
  private sub = '';
  private background = '';

  /** `width` is a fraction of the view's height: labels keep their size on screen at any distance. */
  constructor(width: number, private readonly pxWidth = 256, private readonly pxHeight = 72) {
    this.canvas.width = pxWidth;
    this.canvas.height = pxHeight;
    this.texture = new THREE.CanvasTexture(this.canvas);
    this.texture.colorSpace = THREE.SRGBColorSpace;
    const material = new THREE.SpriteMaterial({ map: this.texture, depthTest: false, transparent: true, sizeAttenuation: false });
    this.sprite = new THREE.Sprite(material);
    this.sprite.scale.set(width, (width * pxHeight) / pxWidth, 1);
    this.sprite.renderOrder = 10;
  }

  set(text: string, sub = '', background = 'rgba(255,255,255,0.88)'): void {
    if (text === this.text && sub === this.sub && background === this.background) return;
    this.text = text;
    this.sub = sub;
    this.background = background;
    const g = this.canvas.getContext('2d')!;
    g.clearRect(0, 0, this.pxWidth, this.pxHeight);
    g.fillStyle = background;
    roundRect(g, 2, 2, this.pxWidth - 4, this.pxHeight - 4, 10);
    g.fill();
    g.fillStyle = '#1d2733';
    g.textAlign = 'center';
    g.font = `600 ${sub ? 24 : 28}px system-ui, sans-serif`;
    g.fillText(ellipsis(g, text, this.pxWidth - 16), this.pxWidth / 2, sub ? 30 : 45);
    if (sub) {
      g.font = '22px system-ui, sans-serif';
      g.fillStyle = '#3d4a5a';
      g.fillText(ellipsis(g, sub, this.pxWidth - 16), this.pxWidth / 2, 58);
    }
    this.texture.needsUpdate = true;
  }
}

function roundRect(g: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  g.beginPath();
  g.moveTo(x + r, y);
  g.arcTo(x + w, y, x + w, y + h, r);
  g.arcTo(x + w, y + h, x, y + h, r);
  g.arcTo(x, y + h, x, y, r);
  g.arcTo(x, y, x + w, y, r);
  g.closePath();
}

function ellipsis(g: CanvasRenderingContext2D, text: string, width: number): string {
  if (g.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && g.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}
