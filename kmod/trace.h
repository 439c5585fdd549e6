/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmapple_kvm tracepoints: every ISV=0 access the module handles, every
 * KVM_EXIT_MMIO it asks userspace for, every one it gives back to KVM, and
 * every Apple hypercall it answers.
 * Usable as `perf record -e 'vmapple_kvm:*'` or through tracefs.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmapple_kvm

#if !defined(VMAPPLE_KVM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMAPPLE_KVM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vmapple_kvm_isv0_emulated,
	    TP_PROTO(unsigned int vcpu_id, u64 pc, u32 insn, u64 ipa, unsigned int len,
		     bool is_write, unsigned int user_exits),
	    TP_ARGS(vcpu_id, pc, insn, ipa, len, is_write, user_exits),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u64, pc)
			     __field(u32, insn)
			     __field(u64, ipa)
			     __field(unsigned int, len)
			     __field(bool, is_write)
			     __field(unsigned int, user_exits)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->pc = pc;
			   __entry->insn = insn;
			   __entry->ipa = ipa;
			   __entry->len = len;
			   __entry->is_write = is_write;
			   __entry->user_exits = user_exits;),
	    TP_printk("vcpu %u pc %#llx insn %08x %s ipa %#llx len %u user_exits %u",
		      __entry->vcpu_id, __entry->pc, __entry->insn,
		      __entry->is_write ? "write" : "read", __entry->ipa, __entry->len,
		      __entry->user_exits)
);

TRACE_EVENT(vmapple_kvm_isv0_user_exit,
	    TP_PROTO(unsigned int vcpu_id, u64 pc, u64 ipa, unsigned int len, bool is_write),
	    TP_ARGS(vcpu_id, pc, ipa, len, is_write),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u64, pc)
			     __field(u64, ipa)
			     __field(unsigned int, len)
			     __field(bool, is_write)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->pc = pc;
			   __entry->ipa = ipa;
			   __entry->len = len;
			   __entry->is_write = is_write;),
	    TP_printk("vcpu %u pc %#llx KVM_EXIT_MMIO %s ipa %#llx len %u",
		      __entry->vcpu_id, __entry->pc, __entry->is_write ? "write" : "read",
		      __entry->ipa, __entry->len)
);

TRACE_EVENT(vmapple_kvm_isv0_fallback,
	    TP_PROTO(unsigned int vcpu_id, u64 pc, u64 ipa, const char *reason, int error),
	    TP_ARGS(vcpu_id, pc, ipa, reason, error),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u64, pc)
			     __field(u64, ipa)
			     __string(reason, reason)
			     __field(int, error)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->pc = pc;
			   __entry->ipa = ipa;
			   __assign_str(reason);
			   __entry->error = error;),
	    TP_printk("vcpu %u pc %#llx ipa %#llx left to KVM: %s (%d)",
		      __entry->vcpu_id, __entry->pc, __entry->ipa, __get_str(reason),
		      __entry->error)
);

TRACE_EVENT(vmapple_kvm_apple_hvc,
	    TP_PROTO(unsigned int vcpu_id, u32 function, u64 x0),
	    TP_ARGS(vcpu_id, function, x0),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u32, function)
			     __field(u64, x0)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->function = function;
			   __entry->x0 = x0;),
	    TP_printk("vcpu %u Apple hypercall %#010x answered in the kernel: x0 %#llx",
		      __entry->vcpu_id, __entry->function, __entry->x0)
);

TRACE_EVENT(vmapple_kvm_apple_pac_switch,
	    TP_PROTO(unsigned int vcpu_id, bool load, u64 apctl, u64 kernkey_lo),
	    TP_ARGS(vcpu_id, load, apctl, kernkey_lo),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(bool, load)
			     __field(u64, apctl)
			     __field(u64, kernkey_lo)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->load = load;
			   __entry->apctl = apctl;
			   __entry->kernkey_lo = kernkey_lo;),
	    TP_printk("vcpu %u %s Apple PAC state: apctl %#llx kernkey_lo %#llx",
		      __entry->vcpu_id, __entry->load ? "load: restored" : "put: saved",
		      __entry->apctl, __entry->kernkey_lo)
);

TRACE_EVENT(vmapple_kvm_msi,
	    TP_PROTO(unsigned int vcpu_id, u32 intid),
	    TP_ARGS(vcpu_id, intid),
	    TP_STRUCT__entry(__field(unsigned int, vcpu_id)
			     __field(u32, intid)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->intid = intid;),
	    TP_printk("vcpu %u GICv2m MSI raised INTID %u in the kernel",
		      __entry->vcpu_id, __entry->intid)
);

TRACE_EVENT(vmapple_kvm_aic_fast_ipi,
	    TP_PROTO(u32 from, u32 to, u32 type),
	    TP_ARGS(from, to, type),
	    TP_STRUCT__entry(__field(u32, from)
			     __field(u32, to)
			     __field(u32, type)),
	    TP_fast_assign(__entry->from = from;
			   __entry->to = to;
			   __entry->type = type;),
	    TP_printk("AIC CPU %u sent a fast IPI (type %u) to CPU %u",
		      __entry->from, __entry->type, __entry->to)
);

#endif /* VMAPPLE_KVM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
