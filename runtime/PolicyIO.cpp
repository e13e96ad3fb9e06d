// Implemented by the runtime work (policy.bin reader/writer).
