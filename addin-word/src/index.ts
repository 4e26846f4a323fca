/** @signet/addin-word: the Word task pane. Built in issue #6. */
export const ADDIN = 'word' as const;
