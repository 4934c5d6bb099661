module early.qpyhub/localeinit

go 1.24
