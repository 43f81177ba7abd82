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

export type QrFormat = "svg" | "png";

/**
 * Draws a scannable QR code of `url` (error correction M, 2-module quiet zone): an SVG document, or
 * the same code as a PNG data URL for clients that cannot show SVG. CPU-bound: the API calls it
 * through `QrRenderer` (a cache and a worker thread), never on the event loop.
 */
export function renderQr(format: QrFormat, url: string): Promise<string> {
  return format === "svg"
    ? QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 })
    : QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 2, scale: 8 });
}

/** Where links handed to clients point: PUBLIC_BASE_URL, else the server's own address once it listens. */
export class PublicLinks {
  constructor(public base: string) {}

  groupCode(token: string): string {
    return groupCodeUrl(this.base, token);
  }

  liveCode(token: string): string {
    return liveCodeUrl(this.base, token);
  }
}
