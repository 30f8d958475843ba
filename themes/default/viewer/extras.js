// What the first view does without, in a chunk of its own: the floor plan, the compass, the
// gyroscope, the headset view, autorotation and the guided tour.  tour.js asks for this module once
// the canvas shows, so none of it is downloaded, parsed or run before the first view.

import { events } from '@photo-sphere-viewer/core';
import { GyroscopePlugin } from '@photo-sphere-viewer/gyroscope-plugin';
import { StereoPlugin } from '@photo-sphere-viewer/stereo-plugin';
import { MapPlugin } from '@photo-sphere-viewer/map-plugin';
import { CompassPlugin } from '@photo-sphere-viewer/compass-plugin';
import { AutorotatePlugin } from '@photo-sphere-viewer/autorotate-plugin';
import { AUTOROTATE_DELAY, resolveUrl } from './util.js';
import { compassSvg } from './icons.js';
import { guideMethods } from './guide.js';

// The plugins that draw themselves on the viewer's `ready` event, which came before they did.
const DRAWN_WHEN_READY = [CompassPlugin, MapPlugin];

/** Adds the rest of the tour to a Tour (tour.js) whose first view is up (or whose fallback is). */
export function install(tour) {
  Object.assign(Object.getPrototypeOf(tour), guideMethods);
  if (tour.viewer) {
    addPlugins(tour.viewer, tourPlugins(tour));
    connect(tour);
  }
  tour.initGuide();
}

function tourPlugins(tour) {
  const scene = tour.scenes.get(tour.current);
  const plugins = [
    [GyroscopePlugin, { touchmove: true, roll: false }],
    [StereoPlugin, null],
    [CompassPlugin, {
      size: tour.viewerEl.clientWidth < 640 ? '64px' : '88px',
      position: 'top right',
      navigation: true,
      backgroundSvg: compassSvg(scene.north || 0),
      className: 'tour-compass',
    }],
  ];
  if (tour.config.plan && tour.config.plan.src) {
    plugins.push([MapPlugin, { ...tour.mapConfig(scene), imageUrl: resolveUrl(tour.config.plan.src) }]);
  }
  const speed = Number(tour.config.autorotate);
  tour.autorotateSpeed = speed && !tour.authoring ? speed : 0;
  if (tour.autorotateSpeed) {
    const on = !tour.reducedMotion;
    plugins.push([AutorotatePlugin, {
      autostartDelay: on ? AUTOROTATE_DELAY : null,
      autostartOnIdle: on,
      autorotateSpeed: `${tour.autorotateSpeed}dps`,
    }]);
  }
  return plugins;
}

/** PSV 5.15 takes its plugins only in the Viewer's constructor and has no public way to add one
 *  later: this does what the constructor does with its `plugins` option (make them all, then
 *  initialise them in order) and gives the ones that draw on `ready` the event they missed. */
function addPlugins(viewer, plugins) {
  const made = plugins.map(([Plugin, config]) => {
    const plugin = new Plugin(viewer, config);
    viewer.plugins[Plugin.id] = plugin;
    return plugin;
  });
  for (const plugin of made) plugin.init();
  if (!viewer.state.ready) return;
  for (const plugin of made) {
    if (DRAWN_WHEN_READY.some((Plugin) => plugin instanceof Plugin)) plugin.handleEvent(new events.ReadyEvent());
  }
}

/** The new plugins in the tour, and in PSV's virtual-tour plugin, which looks for the plan and the
 *  compass only when it starts: its rooms on the plan, a room's tap going there, the current room. */
function connect(tour) {
  const viewer = tour.viewer;
  tour.gyroscope = viewer.getPlugin(GyroscopePlugin);
  tour.stereo = viewer.getPlugin(StereoPlugin);
  tour.compass = viewer.getPlugin(CompassPlugin);
  tour.map = viewer.getPlugin(MapPlugin) || null;
  tour.autorotate = viewer.getPlugin(AutorotatePlugin) || null;
  const nodes = tour.tour;
  const node = nodes.getCurrentNode();
  nodes.compass = tour.compass;
  if (node && nodes.config.linksOnCompass) tour.compass.setHotspots(node.links.map((link) => nodes.__getLinkPosition(node, link)));
  if (tour.map) {
    nodes.map = tour.map;
    nodes.config.map = { imageUrl: tour.map.config.imageUrl, recenter: true };
    tour.map.addEventListener('select-hotspot', nodes);
    nodes.__setMapHotspots();
    if (node) tour.map.setCenter(nodes.__getNodeMapPosition(node) ?? tour.map.config.center, true);
    tour.followPageScroll();
  }
  tour.updatePlugins(tour.scenes.get(tour.current));
  tour.initSensors();
}
