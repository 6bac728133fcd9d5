package io.gridledger.web;

/** Scripts the browser tests run in the page. */
final class TwinPages {

  private TwinPages() {
  }

  /**
   * Reads the twin's WebGL canvas back (it keeps its drawing buffer) through a 2D canvas: how many distinct colours
   * it holds and what share of pixels differ from its top-left corner.
   */
  static final String CANVAS_PIXELS = """
    () => {
      const gl = document.querySelector('canvas.scene');
      const c = document.createElement('canvas');
      c.width = gl.width; c.height = gl.height;
      const g = c.getContext('2d');
      g.drawImage(gl, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      let different = 0;
      for (let i = 0; i < d.length; i += 4) {
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 12) different++;
      }
      return { width: c.width, height: c.height, distinctColours: colours.size,
        differentFromCorner: different / (d.length / 4) };
    }
    """;
}
