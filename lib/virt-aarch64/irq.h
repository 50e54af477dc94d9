/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * irq.h - aarch64 at EL1: interrupt masking through PSTATE.I (the DAIF
 * register's I bit), as inline functions for the switch bracket
 * (lib/virt/bracket.h) and the port.  Freestanding.
 */
#ifndef PMT_VIRT_AARCH64_IRQ_H
#define PMT_VIRT_AARCH64_IRQ_H

#define PMT_DAIF_I 0x80ul /* IRQ masked */

/* Any context: masks interrupts and returns the previous I bit. */
static inline unsigned long
pmt_virt_irq_save(void)
{
	unsigned long old;

	__asm__ __volatile__("mrs %0, daif\n\tmsr daifset, #2"
	                     : "=r"(old)
	                     :
	                     : "memory");
	return old & PMT_DAIF_I;
}

/* Any context: the I bit as key (from pmt_virt_irq_save()) had it. */
static inline void
pmt_virt_irq_restore(unsigned long key)
{
	if (key & PMT_DAIF_I)
		__asm__ __volatile__("msr daifset, #2" ::: "memory");
	else
		__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

/* Any context: enables interrupts. */
static inline void
pmt_virt_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

/* Any context: did key come from a state with interrupts enabled? */
static inline int
pmt_virt_irq_was_on(unsigned long key)
{
	return (key & PMT_DAIF_I) == 0;
}

#endif /* PMT_VIRT_AARCH64_IRQ_H */
