/**
 * The ribbon's function file (`commands.html`). The Signet button only opens the task pane
 * (ShowTaskpane), which needs no code, but the manifest schema requires a FunctionFile for the
 * desktop form factor; this registers Office.js so the host can load it.
 */
import { whenOfficeReady } from '../office/office-host.js';

void whenOfficeReady();
