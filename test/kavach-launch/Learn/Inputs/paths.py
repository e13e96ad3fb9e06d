# paths.py: file operations whose paths the recorder must resolve: relative to
# the cwd with '..', relative to a directory descriptor, a creation, a
# removal, a rename, an exec, and an O_PATH open (which needs no right).
import os
import subprocess

print(open("../data/in.txt").read().strip())
d = os.open("../other", os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("existing", os.O_WRONLY, dir_fd=d))
os.close(os.open("created", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=d))
os.rename("../other/created", "../other/renamed")
os.unlink("renamed", dir_fd=d)
os.close(os.open("../data/in.txt", os.O_PATH))
subprocess.run(["/bin/true"], check=True)
