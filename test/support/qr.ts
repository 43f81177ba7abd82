import { Resvg } from "@resvg/resvg-js";
import jsQR from "jsqr";
import { PNG } from "pngjs";

/** Decodes a PNG with an independent QR decoder (jsQR); null when no code is found. */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** Rasterises an SVG (resvg) and decodes the QR code in it. */
export function decodeQrSvg(svg: string): string | null {
  const png = new Resvg(svg, { fitTo: { mode: "width", value: 400 }, background: "white" }).render().asPng();
  return decodeQrPng(Buffer.from(png));
}

export function decodeQrDataUrl(dataUrl: string): string | null {
  const match = /^data:image\/png;base64,(.+)$/.exec(dataUrl);
  return match ? decodeQrPng(Buffer.from(match[1], "base64")) : null;
}
