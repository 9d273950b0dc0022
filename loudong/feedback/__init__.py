"""意见建议: what residents, members and staff find wrong with the platform itself (not a request for help),
sent from any page's footer to their community's admins, who answer each one."""
