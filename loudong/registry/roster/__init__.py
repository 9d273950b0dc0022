"""Roster import (Excel, .ods) into the registry: reading messy sheets, matching, bulk writing."""
