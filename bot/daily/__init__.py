"""The daily "on this date" post: what a date brings (calendar) and when a subscription is
due (schedule). Pure functions of their inputs: no clock, database or Slack."""
