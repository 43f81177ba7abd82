import pino, { type Logger } from "pino";

/** Structured JSON logs on stdout; secrets in headers are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "group-platform" },
    redact: { paths: ["req.headers.authorization", "apiKey", "token"], censor: "[redacted]" },
  });
}
