module github.com/mpadjust/mpadjust/examples/go

go 1.24

require github.com/mpadjust/mpadjust/bindings/go v0.0.0

replace github.com/mpadjust/mpadjust/bindings/go => ../../bindings/go
