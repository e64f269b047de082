"""The funder's side: programmes, calls (competitions) with their budget pool and rubric."""
