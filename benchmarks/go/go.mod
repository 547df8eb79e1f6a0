module claimbench/twins

go 1.19
