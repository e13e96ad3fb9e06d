#pragma once
namespace kavach {
// Recorded in every policy.bin; bump with the project version.
inline constexpr const char kKavachVersion[] = "kavachc 0.1.0";
} // namespace kavach
