/* Run a command as Docker's default profile would let root run it: no namespaces, no mounts.
 *
 * A seccomp filter answers EPERM to unshare, setns, mount, umount2 and pivot_root, and to clone
 * with any namespace flag; clone3 answers ENOSYS (so libc falls back to clone, as under Docker).
 * CAP_SYS_ADMIN is dropped from the bounding set first, so the command (exec'd as root) never
 * has it. What stays: root's other capabilities (setuid, chown, chroot, kill), which a default
 * Docker container also keeps.
 *
 * The course's copy of the workplace's tool (shared/tools/dockerlike.c), which dropped the
 * capability with capsh: this one needs nothing but a C compiler (tests/dockerlike/run).
 *
 *   cc -O2 -o dockerlike dockerlike.c && ./dockerlike COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUTS | \
                  CLONE_NEWIPC | CLONE_NEWCGROUP)
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), RET(SECCOMP_RET_ERRNO | EPERM)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: dockerlike COMMAND [ARG...]\n");
        return 2;
    }
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        RET(SECCOMP_RET_ALLOW), /* other ABIs: left alone */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        DENY(__NR_unshare), DENY(__NR_setns), DENY(__NR_mount), DENY(__NR_umount2),
        DENY(__NR_pivot_root),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1), RET(SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0), RET(SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1), RET(SECCOMP_RET_ERRNO | EPERM),
        RET(SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0) {
        perror("dockerlike: drop CAP_SYS_ADMIN (run it as root)");
        return 2;
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("dockerlike: seccomp");
        return 2;
    }
    execvp(argv[1], argv + 1);
    perror("dockerlike: exec");
    return 2;
}
