// The verdict on one policy feature (Landlock, seccomp) for this kernel.
#pragma once

namespace kavach::launch {

enum class FeatureStatus {
  NotInPolicy, // the policy does not ask for it
  Enforced,    // fully applied
  Degraded,    // applied partly or not at all, and the policy or --best-effort allows that
  Refused,     // cannot be applied as asked: the launch stops with 125
};

inline const char *statusName(FeatureStatus status) {
  switch (status) {
  case FeatureStatus::NotInPolicy:
    return "not in policy";
  case FeatureStatus::Enforced:
    return "enforced";
  case FeatureStatus::Degraded:
    return "degraded";
  case FeatureStatus::Refused:
    return "refused";
  }
  return "?";
}

} // namespace kavach::launch
