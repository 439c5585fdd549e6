#!/bin/sh
# demo.sh - what `make demo` runs inside the rig (installed there as
# vmapple-demo): load vmapple_kvm, `vmapple check`, then boot Debian's own
# arm64 kernel on the VMApple board under `vmapple run`, attached to the
# module, with a virtio-blk disk, user networking and virtio-rng; the guest
# prints what it found and powers off; the launcher prints its exit summary.
guest=/usr/lib/vmapple-tests/guest
echo "demo: rig kernel $(uname -r), $(nproc) CPUs, KVM inside QEMU TCG"
modprobe vmapple_kvm && echo "demo: modprobe vmapple_kvm ok" || exit 1
echo
vmapple check || exit 1
cd /tmp || exit 1
ip link set lo up
mkdir -p www && echo "hello from the host, over user networking" >www/hello.txt
httpd -p 127.0.0.1:8080 -h www
printf VMAPPLE-DISK-OK >disk.img && truncate -s 8M disk.img
echo
echo "demo: vmapple run --kernel (Debian's kernel as the guest, 2 vCPUs, 256 MiB):"
{
	vmapple run --kernel "$guest/Image" --initrd "$guest/initramfs.cpio.gz" \
		--append "console=ttyAMA0 quiet vmapple.demo" --cpus 2 --mem 256M \
		--drive disk.img --net user,hostfwd=tcp:127.0.0.1:2222-:22 2>&1
	echo $? >rc
} | tr -d '\r'
rc=$(cat rc)
echo
echo "demo: vmapple run exited $rc (0: the guest powered off)"
exit $rc
