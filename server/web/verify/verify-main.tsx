/** The entry of `/verify`: mounts {@link VerifyPage} with the shared and the page's strings. */
import { mergeStrings } from '../shared/i18n.js';
import { mountPage } from '../shared/page-root.js';
import { sharedStrings } from '../shared/strings.js';
import { VerifyPage } from './verify-page.js';
import { verifyStrings } from './verify-strings.js';

mountPage(VerifyPage, mergeStrings(sharedStrings, verifyStrings), 'verify.title');
