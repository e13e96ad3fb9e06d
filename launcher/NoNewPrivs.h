// Step: PR_SET_NO_NEW_PRIVS.
#pragma once

namespace kavach::launch {

// Sets no_new_privs for this process and everything it executes. Dies on failure.
void setNoNewPrivs();

} // namespace kavach::launch
