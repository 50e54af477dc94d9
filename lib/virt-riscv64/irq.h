/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * irq.h - riscv64 machine mode: interrupt masking through mstatus.MIE, as
 * inline functions for the switch bracket (lib/virt/bracket.h) and the
 * port.  Freestanding.
 */
#ifndef PMT_VIRT_RISCV64_IRQ_H
#define PMT_VIRT_RISCV64_IRQ_H

#define PMT_MSTATUS_MIE 0x8ul /* machine interrupt enable */

/* Any context: masks interrupts and returns the previous MIE bit. */
static inline unsigned long
pmt_virt_irq_save(void)
{
	unsigned long old;

	__asm__ __volatile__("csrrc %0, mstatus, %1"
	                     : "=r"(old)
	                     : "r"(PMT_MSTATUS_MIE)
	                     : "memory");
	return old & PMT_MSTATUS_MIE;
}

/* Any context: MIE as key (from pmt_virt_irq_save()) had it. */
static inline void
pmt_virt_irq_restore(unsigned long key)
{
	if (key & PMT_MSTATUS_MIE)
		__asm__ __volatile__("csrs mstatus, %0"
		                     :
		                     : "r"(PMT_MSTATUS_MIE)
		                     : "memory");
	else
		__asm__ __volatile__("csrc mstatus, %0"
		                     :
		                     : "r"(PMT_MSTATUS_MIE)
		                     : "memory");
}

/* Any context: enables interrupts. */
static inline void
pmt_virt_irq_enable(void)
{
	__asm__ __volatile__("csrs mstatus, %0"
	                     :
	                     : "r"(PMT_MSTATUS_MIE)
	                     : "memory");
}

/* Any context: did key come from a state with interrupts enabled? */
static inline int
pmt_virt_irq_was_on(unsigned long key)
{
	return (key & PMT_MSTATUS_MIE) != 0;
}

#endif /* PMT_VIRT_RISCV64_IRQ_H */
