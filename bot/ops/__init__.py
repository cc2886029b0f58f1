"""Running partnerbot in production: health and metrics listener, structured logs."""
