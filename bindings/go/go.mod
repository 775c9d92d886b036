module github.com/mpadjust/mpadjust/bindings/go

go 1.24
