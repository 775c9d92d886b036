package mpadjust

// lastServiceError: filled in when mpadjust_last_service_error_json lands.
func lastServiceError(e *Error) error { return nil }
