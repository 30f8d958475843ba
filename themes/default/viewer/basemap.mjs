// The map's basemap, made at bundle time: Natural Earth 1:10m land and national borders from
// the world-atlas package (public domain), cut to the region around Vietnam and rounded to
// about 100 m, so the map page draws a real outline without fetching tiles from anywhere.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature, mesh } from 'topojson-client';

// [west, south, east, north]: Vietnam (102.1–109.5 E, 8.4–23.4 N) and its neighbours' edges.
export const REGION = [97, 5, 116, 26];
const DIGITS = 3;

const inside = ([x, y]) => x >= REGION[0] && x <= REGION[2] && y >= REGION[1] && y <= REGION[3];
const round = ([x, y]) => [+x.toFixed(DIGITS), +y.toFixed(DIGITS)];

// Sutherland–Hodgman against each edge of the region: a ring stays a closed ring.
function clipRing(ring) {
  const edges = [
    [(p) => p[0] >= REGION[0], (a, b) => cross(a, b, 0, REGION[0])],
    [(p) => p[0] <= REGION[2], (a, b) => cross(a, b, 0, REGION[2])],
    [(p) => p[1] >= REGION[1], (a, b) => cross(a, b, 1, REGION[1])],
    [(p) => p[1] <= REGION[3], (a, b) => cross(a, b, 1, REGION[3])],
  ];
  let points = ring.slice(0, -1);
  for (const [keeps, meet] of edges) {
    const kept = [];
    points.forEach((point, i) => {
      const previous = points[(i + points.length - 1) % points.length];
      if (keeps(point)) {
        if (!keeps(previous)) kept.push(meet(previous, point));
        kept.push(point);
      } else if (keeps(previous)) {
        kept.push(meet(previous, point));
      }
    });
    points = kept;
  }
  const rounded = dedupe(points.map(round));
  return rounded.length >= 3 ? [...rounded, rounded[0]] : null;
}

function cross(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

function dedupe(points) {
  return points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1]);
}

function clipPolygons(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const kept = polygons
    .map((rings) => rings.map(clipRing).filter(Boolean))
    .filter((rings) => rings.length && rings[0].length >= 4);
  return { type: 'MultiPolygon', coordinates: kept };
}

// A border line keeps the stretches inside the region (with the point just outside, so it
// reaches the edge).
function clipLines(geometry) {
  const lines = [];
  for (const line of geometry.coordinates) {
    let current = [];
    line.forEach((point, i) => {
      const near = inside(point) || (i > 0 && inside(line[i - 1])) || (i + 1 < line.length && inside(line[i + 1]));
      if (near) current.push(round(point));
      else if (current.length) {
        lines.push(current);
        current = [];
      }
    });
    if (current.length > 1) lines.push(dedupe(current));
  }
  return { type: 'MultiLineString', coordinates: lines.filter((l) => l.length > 1) };
}

export function basemap(theme) {
  const atlas = JSON.parse(readFileSync(join(theme, 'node_modules/world-atlas/countries-10m.json'), 'utf8'));
  const land = feature(atlas, atlas.objects.land);
  const landGeometry = land.type === 'FeatureCollection' ? land.features[0].geometry : land.geometry;
  return {
    source: 'Natural Earth 1:10m via world-atlas 2.0.2 (public domain)',
    region: REGION,
    land: clipPolygons(landGeometry),
    borders: clipLines(mesh(atlas, atlas.objects.countries, (a, b) => a !== b)),
  };
}
