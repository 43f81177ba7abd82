import { randomBytes } from "node:crypto";
import QRCode from "qrcode";

/** 192 random bits, base64url: unguessable, URL-safe, and unrelated to any id. */
export function newCodeToken(): string {
  return randomBytes(24).toString("base64url");
}

export function isWellFormedToken(token: string): boolean {
  return typeof token === "string" && /^[A-Za-z0-9_-]{16,64}$/.test(token);
}

export const groupCodeUrl = (base: string, token: string) => `${base}/join/${token}`;
export const liveCodeUrl = (base: string, token: string) => `${base}/live/${token}`;

/** A scannable QR code of `url` as an SVG document (error correction M, 2-module quiet zone). */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** The same QR code as a PNG data URL, for clients that cannot show SVG. */
export function qrPngDataUrl(url: string): Promise<string> {
  return QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 2, scale: 8 });
}
