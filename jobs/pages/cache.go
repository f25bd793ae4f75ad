package pages

import (
	"container/list"
	"image"
	"sync"
)

// cacheKey names one rendered page at one width.
type cacheKey struct {
	doc   uint64
	page  int
	width int
}

type cacheEntry struct {
	key cacheKey
	img *image.RGBA
}

// pageCache is a least-recently-used cache of rendered pages bounded in
// bytes of pixels: flipping back a page is free, and a 300-page document
// viewed end to end never holds more than the bound.
type pageCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front is most recent
	items map[cacheKey]*list.Element
}

func newPageCache(maxBytes int64) *pageCache {
	return &pageCache{max: maxBytes, order: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *pageCache) get(k cacheKey) (*image.RGBA, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).img, true
}

func (c *pageCache) put(k cacheKey, img *image.RGBA) {
	n := int64(len(img.Pix))
	if n > c.max {
		return // larger than the whole cache: not worth evicting everything
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.size -= int64(len(e.Value.(*cacheEntry).img.Pix))
		c.order.Remove(e)
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, img: img})
	c.size += n
	for c.size > c.max {
		c.removeLocked(c.order.Back())
	}
}

func (c *pageCache) removeLocked(e *list.Element) {
	ce := e.Value.(*cacheEntry)
	c.order.Remove(e)
	delete(c.items, ce.key)
	c.size -= int64(len(ce.img.Pix))
}

// dropDoc forgets every page of one document.
func (c *pageCache) dropDoc(doc uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.order.Front(); e != nil; {
		next := e.Next()
		if e.Value.(*cacheEntry).key.doc == doc {
			c.removeLocked(e)
		}
		e = next
	}
}

func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	c.items = map[cacheKey]*list.Element{}
	c.size = 0
}

func (c *pageCache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
