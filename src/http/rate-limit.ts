import { Redis } from "ioredis";
import type { Logger } from "pino";

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the request would fit (0 when allowed). */
  retryAfterSeconds: number;
  /** Points left in the bucket after this request. */
  remaining: number;
}

/** Per-principal leaky bucket of query-cost points: `capacity` points, draining at `leakPerSecond`. */
export interface RateLimiter {
  consume(key: string, cost: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface BucketSettings {
  capacity: number;
  leakPerSecond: number;
}

/** One instance's buckets in memory (REDIS_URL unset). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    private readonly settings: BucketSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(key: string, cost: number): Promise<RateDecision> {
    const { capacity, leakPerSecond } = this.settings;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { level: 0, at: now };
    const level = Math.max(0, bucket.level - ((now - bucket.at) / 1000) * leakPerSecond);
    if (level + cost > capacity) {
      this.buckets.set(key, { level, at: now });
      return { allowed: false, retryAfterSeconds: Math.ceil((level + cost - capacity) / leakPerSecond), remaining: Math.floor(capacity - level) };
    }
    this.buckets.set(key, { level: level + cost, at: now });
    if (this.buckets.size > 100_000) this.evictDrained(now);
    return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(capacity - level - cost) };
  }

  private evictDrained(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.level - ((now - bucket.at) / 1000) * this.settings.leakPerSecond <= 0) this.buckets.delete(key);
    }
  }

  async close(): Promise<void> {}
}

/** The same bucket, kept in Redis and updated atomically by a script: shared by every instance. */
const LEAKY_BUCKET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity, leak, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level, at = tonumber(state[1]) or 0, tonumber(state[2]) or now
level = math.max(0, level - (now - at) / 1000 * leak)
if level + cost > capacity then
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', now)
  return {0, math.ceil((level + cost - capacity) / leak), math.floor(capacity - level)}
end
level = level + cost
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / leak * 1000) + 1000)
return {1, 0, math.floor(capacity - level)}`;

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  /** Settles when the first connection is ready or has failed (at most connectTimeout after start). */
  private readonly firstConnection: Promise<void>;

  constructor(
    url: string,
    private readonly settings: BucketSettings,
    private readonly log: Logger,
  ) {
    // Fail fast rather than queue: if Redis is away the limiter lets requests through (and says so).
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
    this.redis.on("error", (error) => this.log.warn({ err: error }, "rate limiter: Redis unavailable"));
    this.redis.defineCommand("leakyBucket", { numberOfKeys: 1, lua: LEAKY_BUCKET });
    this.firstConnection = new Promise<void>((settle) => {
      const timer = setTimeout(settle, 2000);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        settle();
      };
      this.redis.once("ready", done);
      this.redis.once("error", done);
      this.redis.once("end", done);
    });
  }

  async consume(key: string, cost: number): Promise<RateDecision> {
    // A request that arrives while the instance's first connection is still being made waits for
    // it (up to the connect timeout) instead of being let through unchecked: a freshly started
    // instance on a busy machine must count what every other instance counts.
    if (this.redis.status !== "ready") await this.firstConnection;
    try {
      const [allowed, retryAfter, remaining] = (await (this.redis as unknown as { leakyBucket(...args: unknown[]): Promise<number[]> }).leakyBucket(
        `gp:rate:${key}`,
        this.settings.capacity,
        this.settings.leakPerSecond,
        cost,
      )) as number[];
      return { allowed: allowed === 1, retryAfterSeconds: Number(retryAfter), remaining: Number(remaining) };
    } catch (error) {
      this.log.warn({ err: error }, "rate limiter: Redis call failed; allowing the request");
      return { allowed: true, retryAfterSeconds: 0, remaining: this.settings.capacity };
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** No limiting (RATE_LIMIT=off, e.g. for benchmarks). */
export const unlimited: RateLimiter = {
  consume: async () => ({ allowed: true, retryAfterSeconds: 0, remaining: Number.MAX_SAFE_INTEGER }),
  close: async () => {},
};
