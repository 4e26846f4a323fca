/** `npm run bench`: runs every benchmark in one process and prints ratios against peers. */
console.log('signet bench: no benchmarks yet');
