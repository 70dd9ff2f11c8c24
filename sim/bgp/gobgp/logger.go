package gobgp

import gobgplog "github.com/osrg/gobgp/v3/pkg/log"

// quietLogger drops everything GoBGP logs: the engine reports through its
// Result, and a run of 200 speakers would otherwise print thousands of
// lines. Fatal and Panic are dropped too: GoBGP calls them only for its gRPC
// listener, which the engine never starts.
type quietLogger struct{}

func (quietLogger) Panic(string, gobgplog.Fields) {}
func (quietLogger) Fatal(string, gobgplog.Fields) {}
func (quietLogger) Error(string, gobgplog.Fields) {}
func (quietLogger) Warn(string, gobgplog.Fields)  {}
func (quietLogger) Info(string, gobgplog.Fields)  {}
func (quietLogger) Debug(string, gobgplog.Fields) {}
func (quietLogger) SetLevel(gobgplog.LogLevel)    {}
func (quietLogger) GetLevel() gobgplog.LogLevel   { return gobgplog.PanicLevel }
