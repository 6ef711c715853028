// The embedded backend (npm start's entry) under a name of its own, for the fuzz step.
import "../apps/embedded/src/main.ts";
