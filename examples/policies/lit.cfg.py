# This folder's policies are tested with lit: `lit -sv policies/`.
# kavach's installed configuration provides %kavachc, %kavach-launch,
# %stdlib and FileCheck; --param kavach_lit=PATH points at a kavach
# installed somewhere other than /usr.
config.name = "example-policies"
lit_config.load_config(config, lit_config.params.get(
    "kavach_lit", "/usr/share/kavach/lit/kavach.cfg.py"))
