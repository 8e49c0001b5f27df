/** Cross-project tests live here (module boundaries now; browser E2E, load, faults, bad input later). */
export {};
