package media

// Direction is the media direction attribute of RFC 4566 section 6 /
// RFC 3264 section 5.1.
type Direction int

// Directions; the zero value is DirectionUnknown.
const (
	DirectionUnknown Direction = iota
	DirectionSendRecv
	DirectionSendOnly
	DirectionRecvOnly
	DirectionInactive
)

// String returns the SDP attribute name ("sendrecv"...).
func (d Direction) String() string {
	switch d {
	case DirectionSendRecv:
		return "sendrecv"
	case DirectionSendOnly:
		return "sendonly"
	case DirectionRecvOnly:
		return "recvonly"
	case DirectionInactive:
		return "inactive"
	default:
		return "unknown"
	}
}

// parseDirection maps an attribute name to a Direction; DirectionUnknown
// when name is not a direction attribute.
func parseDirection(name string) Direction {
	switch name {
	case "sendrecv":
		return DirectionSendRecv
	case "sendonly":
		return DirectionSendOnly
	case "recvonly":
		return DirectionRecvOnly
	case "inactive":
		return DirectionInactive
	default:
		return DirectionUnknown
	}
}
