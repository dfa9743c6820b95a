package sip

// AgentInfoType is the content type of the INFO the switch sends a browser
// caller when a queue agent answers it; the body is the agent's number.
// The web-call-protocol server turns it into event 9010.
const AgentInfoType = "application/vnd.hookswitch.agent"
