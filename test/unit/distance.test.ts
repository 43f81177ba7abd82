import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { distanceMetres, EARTH_RADIUS_METRES } from "../../src/modules/code/distance";

const close = (actual: number, expected: number, tolerance: number) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe("face-to-face distance (haversine)", () => {
  it("is zero for the same point and symmetric", () => {
    assert.equal(distanceMetres(31.2304, 121.4737, 31.2304, 121.4737), 0);
    assert.equal(distanceMetres(39.9042, 116.4074, 31.2304, 121.4737), distanceMetres(31.2304, 121.4737, 39.9042, 116.4074));
  });

  it("measures arcs of the sphere", () => {
    const degree = (Math.PI / 180) * EARTH_RADIUS_METRES;
    close(distanceMetres(0, 0, 1, 0), degree, 1e-6);
    close(distanceMetres(0, 0, 0, 1), degree, 1e-6);
    close(distanceMetres(60, 10, 60, 11), degree / 2, 1); // a degree of longitude at 60° is half as long
    close(distanceMetres(90, 0, -90, 0), Math.PI * EARTH_RADIUS_METRES, 1e-6);
    close(distanceMetres(0, 0, 0, 180), Math.PI * EARTH_RADIUS_METRES, 1e-6);
  });

  it("crosses the antimeridian the short way", () => {
    close(distanceMetres(0, 179.9, 0, -179.9), 0.2 * (Math.PI / 180) * EARTH_RADIUS_METRES, 1e-3);
  });

  it("matches known city distances and tells the face-to-face radius apart", () => {
    close(distanceMetres(39.9042, 116.4074, 31.2304, 121.4737), 1_067_000, 3_000); // Beijing – Shanghai
    close(distanceMetres(22.5431, 114.0579, 22.3193, 114.1694), 27_400, 500); // Shenzhen – Hong Kong
    assert.ok(distanceMetres(31.2304, 121.4737, 31.2331, 121.4737) < 1000, "300 m north is near");
    assert.ok(distanceMetres(31.2304, 121.4737, 31.2404, 121.4737) > 1000, "1.1 km north is not");
  });
});
