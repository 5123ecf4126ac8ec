/** Action entry (dist/index.js): run, and report failure through the toolkit. */
import { runAction } from './action/index.js';

await runAction();
