/** The entry of `/sign/<token>`: mounts {@link SignPage} with the shared and the page's strings. */
import { mergeStrings } from '../shared/i18n.js';
import { mountPage } from '../shared/page-root.js';
import { sharedStrings } from '../shared/strings.js';
import { SignPage } from './sign-page.js';
import { signStrings } from './sign-strings.js';

mountPage(SignPage, mergeStrings(sharedStrings, signStrings), 'sign.title');
