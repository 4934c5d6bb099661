package hubclient

// The system-property keys the hub knows, as they appear in a property bag
// once decoded (C2D topics carry them as "%24.mid" and so on).
const (
	keyMessageID       = "$.mid"
	keyCorrelationID   = "$.cid"
	keyUserID          = "$.uid"
	keyTo              = "$.to"
	keyExpiry          = "$.exp"
	keyContentType     = "$.ct"
	keyContentEncoding = "$.ce"
)

// SystemProperties are the message properties the hub itself interprets,
// kept apart from the application's own properties. Expiry is kept as the
// text the hub sent (an ISO 8601 time).
type SystemProperties struct {
	MessageID       string `json:"messageId,omitempty"`
	CorrelationID   string `json:"correlationId,omitempty"`
	UserID          string `json:"userId,omitempty"`
	To              string `json:"to,omitempty"`
	Expiry          string `json:"expiry,omitempty"`
	ContentType     string `json:"contentType,omitempty"`
	ContentEncoding string `json:"contentEncoding,omitempty"`
}

// fields pairs each bag key with the struct field it fills, in the order
// Encode writes them.
func (s *SystemProperties) fields() []struct {
	key string
	ptr *string
} {
	return []struct {
		key string
		ptr *string
	}{
		{keyMessageID, &s.MessageID},
		{keyCorrelationID, &s.CorrelationID},
		{keyUserID, &s.UserID},
		{keyTo, &s.To},
		{keyExpiry, &s.Expiry},
		{keyContentType, &s.ContentType},
		{keyContentEncoding, &s.ContentEncoding},
	}
}

// SplitSystemProperties separates the known system properties from the
// application properties. Unknown "$."-keys stay with the application
// properties so nothing the hub sent is lost.
func SplitSystemProperties(b PropertyBag) (app PropertyBag, sys SystemProperties) {
	fields := sys.fields()
next:
	for _, p := range b.props {
		for _, f := range fields {
			if p.Key == f.key {
				*f.ptr = p.Value
				continue next
			}
		}
		app.props = append(app.props, p)
	}
	return app, sys
}

// appendTo adds the non-empty system properties to b.
func (s SystemProperties) appendTo(b *PropertyBag) {
	for _, f := range s.fields() {
		if *f.ptr != "" {
			b.Add(f.key, *f.ptr)
		}
	}
}
