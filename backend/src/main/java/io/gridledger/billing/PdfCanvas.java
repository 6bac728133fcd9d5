package io.gridledger.billing;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;

/** A top-down writer over A4 pages: text at a cursor that moves down, a new page when the cursor reaches the margin. */
final class PdfCanvas implements AutoCloseable {

  static final float MARGIN = 50;
  static final float WIDTH = PDRectangle.A4.getWidth();

  final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
  private final PDDocument doc;
  private PDPageContentStream content;
  float y;

  PdfCanvas(PDDocument doc) throws IOException {
    this.doc = doc;
    newPage();
  }

  private void newPage() throws IOException {
    if (content != null) {
      content.close();
    }
    PDPage page = new PDPage(PDRectangle.A4);
    doc.addPage(page);
    content = new PDPageContentStream(doc, page);
    y = PDRectangle.A4.getHeight() - MARGIN;
  }

  /** Makes room for {@code height} points, starting a new page if needed. */
  void need(float height) throws IOException {
    if (y - height < MARGIN) {
      newPage();
    }
  }

  void text(float x, String text, boolean strong, float size) throws IOException {
    content.beginText();
    content.setFont(strong ? bold : regular, size);
    content.newLineAtOffset(x, y);
    content.showText(safe(text));
    content.endText();
  }

  /** Right-aligned at {@code right}. */
  void textRight(float right, String text, boolean strong, float size) throws IOException {
    float width = (strong ? bold : regular).getStringWidth(safe(text)) / 1000 * size;
    text(right - width, text, strong, size);
  }

  void line(String text, boolean strong, float size) throws IOException {
    need(size + 4);
    text(MARGIN, text, strong, size);
    down(size + 4);
  }

  void down(float points) {
    y -= points;
  }

  void rect(float x, float bottom, float w, float h, float gray) throws IOException {
    content.setNonStrokingColor(gray, gray, gray);
    content.addRect(x, bottom, w, h);
    content.fill();
    content.setNonStrokingColor(0f, 0f, 0f);
  }

  void rule() throws IOException {
    need(6);
    rect(MARGIN, y + 2, WIDTH - 2 * MARGIN, 0.5f, 0.5f);
    down(8);
  }

  /** The standard fonts encode WinAnsi only: anything else prints as '?' rather than failing the whole bill. */
  static String safe(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append((c >= 32 && c < 127) || (c >= 160 && c <= 255) ? c : c == '\u20ac' ? c : '?');
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    content.close();
  }
}
