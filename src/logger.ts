import pino, { type DestinationStream, type Logger } from "pino";

/** Structured JSON logs (on stdout unless another destination is given); secrets in headers are redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "group-platform" },
    redact: { paths: ["req.headers.authorization", "apiKey", "token"], censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
