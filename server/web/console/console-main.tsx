/** The entry of `/console`: mounts {@link ConsolePage} with the shared and the console's strings. */
import { mergeStrings } from '../shared/i18n.js';
import { mountPage } from '../shared/page-root.js';
import { sharedStrings } from '../shared/strings.js';
import { ConsolePage } from './console-page.js';
import { consoleStrings } from './console-strings.js';

mountPage(ConsolePage, mergeStrings(sharedStrings, consoleStrings), 'console.title');
