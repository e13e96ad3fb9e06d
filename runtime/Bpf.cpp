// Implemented by the seccomp work (BPF checker and interpreter).
