"""Meetings, activities, the study blackboard and honours: 微自治 and 微文化."""
