// Entry point of exhibit pages that show a 3D model (see model3d.js).
import { setUp } from './model3d.js';

const stage = document.querySelector('[data-model]');
if (stage) setUp(stage);
