// kavachc modes for backends and scoring (ScoreMode.cpp, OciMode.cpp,
// DockerMode.cpp), declared apart from Driver.h so they can grow without
// touching the shared header.
#pragma once

#include "Driver.h"

namespace kavach::driver {

bool scoreRequested(); // --score [--explain] [--min-score N]
int runScore(Session &S);
// `require score >= N on B;` of the compiled policy and --min-score: 0, or 1
// after reporting what is missed (runCompile calls it before writing).
int checkScoreRequirements(Session &S, const ir::PolicyIR &IR);
// "process>=60,oci>=70": the requirements for config.json's annotations.
std::string requirementsText(Session &S);

// policy.bin's Backends section: the scores, the requirements and the OCI
// config.json templates (a template the OCI form cannot express is left
// out; the launcher then refuses --backend oci|gvisor and says why).
runtime::BackendsPolicy backendsSection(Session &S, const ir::PolicyIR &IR);

// --emit=oci | docker-seccomp | k8s-seccomp: write the backend's format.
int emitBackendFormat(Session &S, const ir::PolicyIR &IR, llvm::StringRef Kind);

bool importDockerRequested(); // --import-docker PROFILE.json
int runImportDocker(Session &S);

} // namespace kavach::driver
