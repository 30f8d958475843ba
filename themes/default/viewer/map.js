// The map page: every located item as a marker (clustered), its protection zones as polygons,
// on a basemap that ships with the site (vendor/map/basemap.json, next to this file). The page
// gives its items in <script type="application/json" id="map-data">; the list beside the map
// holds the same items as links, so the map is never the only way in.
// No style attribute or <style> element is written: Leaflet positions through element.style
// (CSSOM), which the strict Content-Security-Policy allows.

import L from 'leaflet';
import 'leaflet.markercluster';

const HERE = new URL('./', import.meta.url).href;
const FOCUS_ZOOM = 15;

// Leaflet guesses its marker images' folder from where its CSS says they are; say it instead.
L.Icon.Default.imagePath = HERE;

const LAND = { color: '#9a8f7a', weight: 1, fillColor: '#f3efe4', fillOpacity: 1 };
const BORDER = { color: '#6d5f4b', weight: 1.5, dashArray: '4 3', fill: false };
const ZONE = { I: { color: '#a3261b', fillColor: '#c8463a' }, II: { color: '#b86e00', fillColor: '#e8a33d' } };

function popup(item, strings) {
  const box = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = item.title;
  const kind = document.createElement('span');
  kind.className = 'map-popup-kind';
  kind.textContent = item.kind;
  const link = document.createElement('a');
  link.href = item.url;
  link.textContent = strings.open;
  box.append(title, kind, link);
  return box;
}

function zoneLayer(item, strings) {
  return L.geoJSON(item.zones, {
    style: (feature) => ({ weight: 2, fillOpacity: 0.25, ...(ZONE[feature.properties.zone] || ZONE.II) }),
    onEachFeature: (feature, layer) =>
      layer.bindTooltip(`${item.title}: ${strings.zone} ${feature.properties.zone || ''}`.trim(), { sticky: true }),
  });
}

// Over online tiles the land is only outlined, so the tiles show through.
async function drawBasemap(map, overTiles) {
  const response = await fetch(HERE + 'basemap.json');
  if (!response.ok) return;
  const basemap = await response.json();
  const land = overTiles ? { ...LAND, fillOpacity: 0 } : LAND;
  L.geoJSON(basemap.land, { style: land, interactive: false, pane: 'basemap' }).addTo(map);
  L.geoJSON(basemap.borders, { style: BORDER, interactive: false, pane: 'basemap' }).addTo(map);
}

function start(root) {
  const data = JSON.parse(document.getElementById('map-data').textContent);
  const map = L.map(root, { keyboard: true, zoomSnap: 0.5, minZoom: 5, maxZoom: 18, attributionControl: false });
  map.createPane('basemap').classList.add('map-basemap-pane');
  L.control.attribution({ prefix: false }).addAttribution(data.attribution).addTo(map);
  if (data.tiles) L.tileLayer(data.tiles, { attribution: data.tilesAttribution, maxZoom: 19 }).addTo(map);
  drawBasemap(map, Boolean(data.tiles));

  const markers = {};
  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  for (const item of data.items) {
    const marker = L.marker([item.lat, item.lon], { title: item.title, alt: item.title, keyboard: true });
    marker.bindPopup(popup(item, data.strings));
    clusters.addLayer(marker);
    markers[item.id] = marker;
    if (item.zones) zoneLayer(item, data.strings).addTo(map);
  }
  map.addLayer(clusters);
  map.fitBounds(clusters.getBounds().pad(0.15), { maxZoom: 13 });

  const focus = () => {
    const marker = markers[decodeURIComponent(location.hash.slice(1))];
    if (!marker) return;
    map.setView(marker.getLatLng(), FOCUS_ZOOM, { animate: false });
    clusters.zoomToShowLayer(marker, () => {
      marker.openPopup();
      marker.getElement()?.focus({ preventScroll: true }); // a keyboard user lands on the marker
    });
    root.scrollIntoView({ block: 'nearest' });
  };
  window.addEventListener('hashchange', focus);
  focus();
  root.classList.add('map-ready');
}

const root = document.getElementById('map');
// Framed by a page of the same site (a story's live panel): the map alone fills the frame.
if (root && window.parent !== window) document.documentElement.classList.add('map-framed');
if (root) start(root);
