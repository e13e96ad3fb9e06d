# connect-and-write.py PORT FILE: connects to 127.0.0.1:PORT over TCP (nothing
# listens: 111 ECONNREFUSED when allowed, 13 EACCES when Landlock refuses),
# then writes FILE and reads it back.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print("connect:", s.connect_ex(("127.0.0.1", int(sys.argv[1]))), flush=True)
with open(sys.argv[2], "w") as f:
    f.write("hello")
with open(sys.argv[2]) as f:
    print("wrote:", f.read())
